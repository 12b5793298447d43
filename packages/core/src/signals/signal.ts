export type Receiver<A> = (args: A) => unknown;

interface Connection<A> {
  receiver: Receiver<A>;
  sender: unknown;
  dispatchUid: string | undefined;
}

export interface ConnectOptions {
  /** Only receive when `send()` is called with this sender (e.g. one model). */
  sender?: unknown;
  /** Connect at most once under this id, even if `connect()` runs again. */
  dispatchUid?: string;
}

/**
 * Django's signal dispatcher: receivers connect to a signal, optionally for
 * one sender, and are called in connection order. Async receivers are awaited
 * one after the other, so a receiver sees the effects of the ones before it.
 */
export class Signal<A = Record<string, unknown>> {
  private connections: Connection<A>[] = [];
  readonly name: string;

  constructor(name = 'signal') {
    this.name = name;
  }

  connect(receiver: Receiver<A>, options: ConnectOptions = {}): () => void {
    const { sender, dispatchUid } = options;
    const exists = this.connections.some((c) =>
      dispatchUid !== undefined ? c.dispatchUid === dispatchUid : c.receiver === receiver && c.sender === sender,
    );
    if (!exists) this.connections = [...this.connections, { receiver, sender, dispatchUid }];
    return () => this.disconnect(receiver, options);
  }

  disconnect(receiver?: Receiver<A>, options: ConnectOptions = {}): boolean {
    const before = this.connections.length;
    this.connections = this.connections.filter((c) =>
      options.dispatchUid !== undefined
        ? c.dispatchUid !== options.dispatchUid
        : !(c.receiver === receiver && c.sender === options.sender),
    );
    return this.connections.length !== before;
  }

  /** True when someone listens for `sender`; lets hot paths skip building the arguments. */
  hasListeners(sender?: unknown): boolean {
    if (this.connections.length === 0) return false;
    return this.connections.some((c) => c.sender === undefined || c.sender === sender);
  }

  /** Call every receiver for `sender`; a receiver's error propagates to the caller. */
  async send(sender: unknown, args: A): Promise<Array<[Receiver<A>, unknown]>> {
    const results: Array<[Receiver<A>, unknown]> = [];
    for (const c of this.connections) {
      if (c.sender !== undefined && c.sender !== sender) continue;
      results.push([c.receiver, await c.receiver(args)]);
    }
    return results;
  }

  /** Like `send()`, but a receiver's error is returned in place of its result. */
  async sendRobust(sender: unknown, args: A): Promise<Array<[Receiver<A>, unknown]>> {
    const results: Array<[Receiver<A>, unknown]> = [];
    for (const c of this.connections) {
      if (c.sender !== undefined && c.sender !== sender) continue;
      try {
        results.push([c.receiver, await c.receiver(args)]);
      } catch (error) {
        results.push([c.receiver, error]);
      }
    }
    return results;
  }
}
