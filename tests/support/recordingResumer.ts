import type { ResumeResult, TaskResumer } from '#shared/workflows';

/** A task resumer that remembers what it resumed and, like Step Functions, answers each token only once. */
export class RecordingResumer implements TaskResumer {
  readonly resumed: { token: string; output: unknown }[] = [];
  private readonly closed = new Set<string>();
  failNext: Error | undefined;

  succeed(token: string, output: unknown): Promise<ResumeResult> {
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) return Promise.reject(failure);
    if (this.closed.has(token)) return Promise.resolve('already-closed');
    this.closed.add(token);
    this.resumed.push({ token, output: structuredClone(output) });
    return Promise.resolve('resumed');
  }

  fail(token: string): Promise<ResumeResult> {
    if (this.closed.has(token)) return Promise.resolve('already-closed');
    this.closed.add(token);
    return Promise.resolve('resumed');
  }
}
