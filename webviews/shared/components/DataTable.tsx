import {
  VscodeTable, VscodeTableBody, VscodeTableCell, VscodeTableHeader, VscodeTableHeaderCell, VscodeTableRow,
} from '../elements.js';
import type { ReactNode } from 'react';

export interface DataTableProps {
  /** Header cells, in order. */
  headers: readonly string[];
  /** One array of cells per row. */
  rows: readonly (readonly ReactNode[])[];
  /** Row keys (default: the index). */
  keys?: readonly string[];
  className?: string;
}

/** A VS Code-styled table (vscode-elements' `vscode-table`, zebra rows, resizable columns). */
export function DataTable({ headers, rows, keys, className }: DataTableProps) {
  return (
    <VscodeTable className={className} zebra borderedRows resizable>
      <VscodeTableHeader slot="header">
        {headers.map((h) => (
          <VscodeTableHeaderCell key={h}>{h}</VscodeTableHeaderCell>
        ))}
      </VscodeTableHeader>
      <VscodeTableBody slot="body">
        {rows.map((cells, r) => (
          <VscodeTableRow key={keys?.[r] ?? r}>
            {cells.map((cell, c) => (
              <VscodeTableCell key={c}>{cell}</VscodeTableCell>
            ))}
          </VscodeTableRow>
        ))}
      </VscodeTableBody>
    </VscodeTable>
  );
}
