import { createRoot } from 'react-dom/client';
import '../shared/theme.css';
import { host, useHostState } from '../shared/host.js';
import { ProfileHostMessage, type ProfileState } from '../shared/messages.js';
import { StatusView } from '../shared/components/StatusView.js';
import { ProfileView } from './ProfileView.js';

function App() {
  const view = useHostState<ProfileState>('dataset-profile', ProfileHostMessage);
  if (view.status !== 'ready') return <StatusView view={view} onReload={() => host().postMessage({ type: 'reload' })} />;
  return <ProfileView state={view.state} />;
}

createRoot(document.getElementById('root')!).render(<App />);
