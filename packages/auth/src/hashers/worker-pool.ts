import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { getSettings, settingsConfigured } from '@manouche/core';

/** The hash-wasm functions the workers may run. */
export type WasmFunction = 'argon2id' | 'argon2i' | 'argon2d' | 'bcrypt';

interface Task {
  id: number;
  fn: WasmFunction;
  options: Record<string, unknown>;
  resolve(value: Uint8Array | string): void;
  reject(error: Error): void;
}

// hash-wasm's Argon2 and bcrypt are WebAssembly running on the calling
// thread: on the event loop they would stall every other request for the
// ~0.5 s a hash takes. Each worker loads hash-wasm (resolved from this
// module, so it works wherever the package is installed) and runs one hash
// at a time.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const wasm = require(workerData.hashWasm);
parentPort.on('message', (task) => {
  wasm[task.fn](task.options).then(
    (result) => parentPort.postMessage({ id: task.id, result }),
    (error) => parentPort.postMessage({ id: task.id, error: String((error && error.message) || error) }),
  );
});
`;

let hashWasmPath: string | undefined;

function resolveHashWasm(): string {
  return (hashWasmPath ??= createRequire(__filename).resolve('hash-wasm'));
}

interface PoolWorker {
  worker: Worker;
  busy: Task | undefined;
}

/**
 * A small pool of worker threads for the WebAssembly hashers, created on
 * first use. Idle workers do not keep the process alive.
 */
export class HashingPool {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Task[] = [];
  private nextId = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`PASSWORD_HASHING_THREADS must be a whole number of at least 1; got ${String(size)}.`);
  }

  run(fn: WasmFunction, options: Record<string, unknown>): Promise<Uint8Array | string> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, fn, options, resolve, reject });
      this.dispatch();
    });
  }

  /** Stop every worker (pending hashes fail). */
  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    for (const task of this.queue.splice(0)) task.reject(new Error('The password hashing pool was closed.'));
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length) {
      let slot = this.workers.find((w) => !w.busy);
      if (!slot) {
        if (this.workers.length >= this.size) return;
        slot = this.spawn();
      }
      const task = this.queue.shift()!;
      slot.busy = task;
      slot.worker.ref();
      slot.worker.postMessage({ id: task.id, fn: task.fn, options: task.options });
    }
  }

  private spawn(): PoolWorker {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { hashWasm: resolveHashWasm() } });
    const slot: PoolWorker = { worker, busy: undefined };
    worker.on('message', (message: { id: number; result?: Uint8Array | string; error?: string }) => {
      const task = slot.busy;
      slot.busy = undefined;
      worker.unref();
      if (task && task.id === message.id) {
        if (message.error !== undefined) task.reject(new Error(`Password hashing failed: ${message.error}`));
        else task.resolve(message.result!);
      }
      this.dispatch();
    });
    worker.on('error', (error) => this.fail(slot, error));
    worker.on('exit', (code) => {
      if (this.workers.includes(slot)) this.fail(slot, new Error(`A password hashing thread exited with code ${code}.`));
    });
    worker.unref();
    this.workers.push(slot);
    return slot;
  }

  private fail(slot: PoolWorker, error: Error): void {
    const index = this.workers.indexOf(slot);
    if (index !== -1) this.workers.splice(index, 1);
    slot.busy?.reject(error);
    slot.busy = undefined;
    void slot.worker.terminate();
    this.dispatch();
  }
}

let shared: HashingPool | undefined;

/** The process-wide pool, sized by PASSWORD_HASHING_THREADS (default 2, at most the number of CPUs). */
export function hashingPool(): HashingPool {
  const threads = settingsConfigured() ? (getSettings().PASSWORD_HASHING_THREADS ?? 2) : 2;
  const size = Math.max(1, Math.min(threads, availableParallelism()));
  if (!shared || shared.size !== size) {
    void shared?.close();
    shared = new HashingPool(size);
  }
  return shared;
}

/** Stop the shared pool's threads (authApp's close() hook). */
export async function closeHashingPool(): Promise<void> {
  const pool = shared;
  shared = undefined;
  await pool?.close();
}
