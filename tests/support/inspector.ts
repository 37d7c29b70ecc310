/**
 * Exact memory figures of a child Node process through its inspector (started with
 * `--inspect=127.0.0.1:0`): a full garbage collection, then `process.memoryUsage()`. What is left
 * after a full collection is what the process still holds, unlike RSS, which keeps pages V8 and
 * malloc have not given back yet.
 */
import WebSocket from 'ws';

export type MemorySample = {
  /** Resident set size after the collection, bytes. */
  rss: number;
  /** V8 heap in use after the collection, bytes. */
  heapUsed: number;
  /** Memory of C++ objects bound to JavaScript ones, buffers included, bytes. */
  external: number;
};

/** The inspector's WebSocket URL, from the line Node prints on stderr when it starts. */
export const inspectorUrl = (stderr: string): string | null =>
  /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(stderr)?.[1] ?? null;

/** Collects garbage (twice, so finalizers run) and reads `process.memoryUsage()`. */
export async function memoryAfterGc(url: string, timeoutMs = 10_000): Promise<MemorySample> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const timer = setTimeout(() => ws.terminate(), timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('close', () => reject(new Error('the inspector closed the connection')));
    });
    let nextId = 0;
    const call = (method: string, params: object = {}) =>
      new Promise<{ result?: { value?: unknown } }>((resolve, reject) => {
        const id = ++nextId;
        const onMessage = (data: Buffer) => {
          const message = JSON.parse(data.toString()) as {
            id?: number;
            result?: { result?: { value?: unknown } };
          };
          if (message.id !== id) return;
          ws.off('message', onMessage);
          resolve(message.result ?? {});
        };
        ws.on('message', onMessage);
        ws.once('close', () => reject(new Error('the inspector closed the connection')));
        ws.send(JSON.stringify({ id, method, params }));
      });
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    const usage = await call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    });
    const { rss, heapUsed, external } = JSON.parse(String(usage.result?.value)) as MemorySample;
    return { rss, heapUsed, external };
  } finally {
    clearTimeout(timer);
    ws.terminate();
  }
}
