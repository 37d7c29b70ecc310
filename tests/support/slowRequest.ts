import { request } from 'node:http';

/**
 * Starts a request and sends its head and all of its body but the last byte; `finish` sends
 * that byte and resolves with the answer. What a server does meanwhile (MEM-7) happens while
 * the body is still arriving.
 */
export async function slowRequest(
  base: string,
  method: string,
  path: string,
  token: string,
  body: Uint8Array | object,
  type = 'application/json',
): Promise<{ finish: () => Promise<{ status: number; text: string }> }> {
  const bytes =
    body instanceof Uint8Array ? Buffer.from(body) : Buffer.from(JSON.stringify(body), 'utf8');
  let started: ReturnType<typeof request> | undefined;
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    started = request(
      new URL(path, base),
      {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': type,
          'content-length': bytes.length,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    started.on('error', reject);
    started.write(bytes.subarray(0, bytes.length - 1));
  });
  // The head and most of the body are on their way: the server has authorized and is reading.
  await new Promise((r) => setTimeout(r, 100));
  return {
    finish: () => {
      started!.end(bytes.subarray(bytes.length - 1));
      return answer;
    },
  };
}
