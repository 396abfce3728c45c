/**
 * Child process for the crash test: starts an endless put into the store at argv[2] and reports
 * progress on stdout, so the test can SIGKILL it mid-upload.
 */
import { ContentStore } from '../../../../backend/src/data/store/cas.js';

async function* endless(): AsyncGenerator<Uint8Array> {
  const chunk = Buffer.alloc(1024 * 1024, 7);
  for (;;) yield chunk;
}

const store = await ContentStore.open(process.argv[2]!);
await store.put(endless(), { onProgress: (bytes) => process.stdout.write(`progress ${bytes}\n`) });
