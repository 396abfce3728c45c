import type { FileHandle } from 'node:fs/promises';
import type { Format } from './formats.js';

/**
 * Signatures of the model formats that file-type does not know: HDF5 (Keras .h5), Python pickle
 * and ONNX's protobuf. Each check reads only what it needs through an open file handle.
 */

const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The HDF5 superblock sits at 0 or, after a user block, at 512, 1024, 2048, … (HDF5 File Format Specification §2.1). */
async function isHdf5(file: FileHandle, size: number): Promise<boolean> {
  const probe = Buffer.alloc(8);
  for (let at = 0; at + 8 <= size; at = at === 0 ? 512 : at * 2) {
    await file.read(probe, 0, 8, at);
    if (probe.equals(HDF5_SIGNATURE)) return true;
  }
  return false;
}

/** Pickle protocols 2–5 open with PROTO (0x80, version) and every pickle ends with STOP ('.'). */
function isPickle(head: Uint8Array, last: number): boolean {
  return head[0] === 0x80 && head[1]! >= 2 && head[1]! <= 5 && last === 0x2e;
}

/** Field number → wire type of onnx.ModelProto's top-level fields (onnx/onnx.proto). */
const MODEL_PROTO_FIELDS: ReadonlyMap<number, number> = new Map([
  [1, 0], // ir_version
  [2, 2], // producer_name
  [3, 2], // producer_version
  [4, 2], // domain
  [5, 0], // model_version
  [6, 2], // doc_string
  [7, 2], // graph
  [8, 2], // opset_import
  [14, 2], // metadata_props
  [20, 2], // training_info
  [25, 2], // functions
  [26, 2], // configuration
]);

async function readVarint(file: FileHandle, at: number): Promise<{ value: number; next: number } | undefined> {
  const buf = Buffer.alloc(10);
  const { bytesRead } = await file.read(buf, 0, 10, at);
  let value = 0;
  for (let i = 0; i < bytesRead; i++) {
    value += (buf[i]! & 0x7f) * 2 ** (7 * i);
    if ((buf[i]! & 0x80) === 0) return { value, next: at + i + 1 };
  }
  return undefined;
}

/**
 * An ONNX model is a protobuf ModelProto: walk its top-level fields, skipping each body, and
 * accept only known fields with their wire types that end exactly at the end of the file, with
 * ir_version first (as every serializer writes fields in number order) and a graph.
 */
async function isOnnx(file: FileHandle, head: Uint8Array, size: number): Promise<boolean> {
  if (head[0] !== 0x08) return false;
  const seen = new Set<number>();
  let at = 0;
  for (let fields = 0; at < size && fields < 100_000; fields++) {
    const tag = await readVarint(file, at);
    if (!tag) return false;
    const field = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    if (MODEL_PROTO_FIELDS.get(field) !== wire) return false;
    const body = await readVarint(file, tag.next);
    if (!body) return false;
    at = wire === 0 ? body.next : body.next + body.value;
    seen.add(field);
  }
  return at === size && seen.has(1) && seen.has(7);
}

/** The model format whose signature the file carries, if any. */
export async function modelSignature(file: FileHandle, head: Uint8Array, size: number): Promise<Format | undefined> {
  if (await isHdf5(file, size)) return 'hdf5';
  const last = Buffer.alloc(1);
  await file.read(last, 0, 1, size - 1);
  if (isPickle(head, last[0]!)) return 'pickle';
  if (await isOnnx(file, head, size)) return 'onnx';
  return undefined;
}
