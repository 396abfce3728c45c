// The vscode-elements components the dataset views use, imported one by one: the package's index
// registers all 40-odd custom elements, which made each webview bundle 930 KB instead of about 200 KB.
export { default as VscodeBadge } from '@vscode-elements/react-elements/dist/components/VscodeBadge.js';
export { default as VscodeButton } from '@vscode-elements/react-elements/dist/components/VscodeButton.js';
export { default as VscodeProgressRing } from '@vscode-elements/react-elements/dist/components/VscodeProgressRing.js';
export { default as VscodeTable } from '@vscode-elements/react-elements/dist/components/VscodeTable.js';
export { default as VscodeTableBody } from '@vscode-elements/react-elements/dist/components/VscodeTableBody.js';
export { default as VscodeTableCell } from '@vscode-elements/react-elements/dist/components/VscodeTableCell.js';
export { default as VscodeTableHeader } from '@vscode-elements/react-elements/dist/components/VscodeTableHeader.js';
export { default as VscodeTableHeaderCell } from '@vscode-elements/react-elements/dist/components/VscodeTableHeaderCell.js';
export { default as VscodeTableRow } from '@vscode-elements/react-elements/dist/components/VscodeTableRow.js';
