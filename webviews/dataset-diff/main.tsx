import { createRoot } from 'react-dom/client';
import '../shared/theme.css';
import { host, useHostState } from '../shared/host.js';
import { DiffHostMessage, type DiffState } from '../shared/messages.js';
import { StatusView } from '../shared/components/StatusView.js';
import { DiffView } from './DiffView.js';

function App() {
  const view = useHostState<DiffState>('dataset-diff', DiffHostMessage);
  if (view.status !== 'ready') return <StatusView view={view} onReload={() => host().postMessage({ type: 'reload' })} />;
  return <DiffView state={view.state} />;
}

createRoot(document.getElementById('root')!).render(<App />);
