import { resolve } from 'node:path';
import { loadCatalog } from '../../../backend/src/images/catalog.js';
import { dockerUnavailable } from '../../fixtures/docker.js';
import { jobsSuite } from './suite.js';

const catalog = await loadCatalog(resolve(__dirname, '../../../devcontainer-images'));
const image = catalog.get('python-cpu')!;

jobsSuite('docker', await dockerUnavailable(image.tag));
