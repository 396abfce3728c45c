import { resolve } from 'node:path';
import { loadCatalog } from '../../../backend/src/images/catalog.js';
import { dockerUnavailable } from '../../fixtures/docker.js';
import { describeSync } from './suite.js';

const catalog = await loadCatalog(resolve(__dirname, '../../../devcontainer-images'));
describeSync('docker', await dockerUnavailable(catalog.get('python-cpu')!.tag));
