/**
 * Maps byte offsets of a stream to 1-based line numbers. It counts line ends chunk by chunk and
 * keeps the last two chunks, which is where a streaming parser reports its errors; an offset
 * further back gets the line its chunk started on.
 */
export class LineIndex {
  private chunks: { start: number; line: number; bytes: Uint8Array }[] = [];
  private offset = 0;
  private line = 1;

  push(chunk: Uint8Array): void {
    this.chunks.push({ start: this.offset, line: this.line, bytes: chunk });
    if (this.chunks.length > 2) this.chunks.shift();
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, nl + 1)) this.line++;
    this.offset += chunk.length;
  }

  /** Bytes seen so far. */
  get length(): number {
    return this.offset;
  }

  lineAt(offset: number): number {
    const chunk = [...this.chunks].reverse().find((c) => c.start <= offset) ?? this.chunks[0];
    if (!chunk) return 1;
    let line = chunk.line;
    const end = Math.min(offset - chunk.start, chunk.bytes.length);
    for (let nl = chunk.bytes.indexOf(0x0a); nl !== -1 && nl < end; nl = chunk.bytes.indexOf(0x0a, nl + 1)) line++;
    return line;
  }
}
