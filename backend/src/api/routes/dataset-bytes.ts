import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { rawDataRoutes } from '../../protocol/index.js';
import type { AppDeps } from '../deps.js';

/**
 * Passes every chunk on one step late and the last one only once the source ended cleanly. The
 * store's stream ends with an error instead when the object is corrupt, so the answer then falls
 * short of its Content-Length and the client sees a cut connection, never a complete wrong file.
 */
function holdLastChunk(): Transform {
  let held: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const previous = held;
      held = chunk;
      callback(null, previous);
    },
    flush(callback) {
      callback(null, held);
    },
  });
}

/** Raw-byte routes: upload chunks in (streamed to disk, never buffered whole) and version files out. */
export async function datasetByteRoutes(app: FastifyInstance, { datasets }: AppDeps): Promise<void> {
  if (!datasets) return;

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

    const chunk = rawDataRoutes.uploadChunk;
    scope.route({
      method: chunk.method,
      url: chunk.path,
      schema: { params: chunk.params, querystring: chunk.query },
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const { id } = req.params as { id: string };
        const { offset } = req.query as { offset: number };
        const body = (req.body as Readable | undefined) ?? Readable.from([]);
        return reply.code(200).send(await datasets.uploads.writeChunk(req.auth!.user.id, id, offset, body));
      },
    });

    const file = rawDataRoutes.versionFile;
    scope.route({
      method: file.method,
      url: file.path,
      schema: { params: file.params, querystring: file.query },
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const { name, number } = req.params as { name: string; number: number };
        const { path } = req.query as { path: string };
        const opened = await datasets.openFile(req.auth!.user, name, number, path);
        reply.hijack();
        reply.raw.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(opened.size), 'x-mlwb-md5': opened.md5 });
        await pipeline(opened.stream, holdLastChunk(), reply.raw).catch((err: Error) => {
          req.log.warn({ err }, 'version file not served whole');
          reply.raw.destroy();
        });
      },
    });
  });
}
