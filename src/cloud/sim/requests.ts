// Requests in flight, as struct-of-arrays: a slot per live request (queued or being processed), reused
// once it finishes, so memory follows the backlog rather than the length of the trace.

export const REQ_FREE = 0;
export const REQ_QUEUED = 1;
export const REQ_RUNNING = 2;

export class RequestPool {
  arrival: Float64Array;
  deadline: Float64Array;
  service: Float64Array;
  timeout: Float64Array;
  start: Float64Array;
  end: Float64Array;
  endpoint: Int32Array;
  instance: Int32Array;
  state: Uint8Array;
  /** 1 when the request came through the Cloud port and has output objects to write. */
  port: Uint8Array;
  private freeList: Int32Array;
  private freeCount = 0;
  private high = 0;
  live = 0;

  constructor(capacity = 1024) {
    this.arrival = new Float64Array(capacity);
    this.deadline = new Float64Array(capacity);
    this.service = new Float64Array(capacity);
    this.timeout = new Float64Array(capacity);
    this.start = new Float64Array(capacity);
    this.end = new Float64Array(capacity);
    this.endpoint = new Int32Array(capacity);
    this.instance = new Int32Array(capacity);
    this.state = new Uint8Array(capacity);
    this.port = new Uint8Array(capacity);
    this.freeList = new Int32Array(capacity);
  }

  /** Frees every slot, keeping the arrays (one pool can serve many short-lived engines). */
  reset(): void {
    this.state.fill(0, 0, this.high);
    this.port.fill(0, 0, this.high);
    this.high = 0;
    this.freeCount = 0;
    this.live = 0;
  }

  alloc(): number {
    this.live++;
    if (this.freeCount > 0) return this.freeList[--this.freeCount] as number;
    if (this.high === this.arrival.length) this.grow();
    return this.high++;
  }

  release(slot: number): void {
    this.state[slot] = REQ_FREE;
    this.port[slot] = 0;
    this.live--;
    if (this.freeCount === this.freeList.length) {
      const f = new Int32Array(this.freeList.length * 2);
      f.set(this.freeList);
      this.freeList = f;
    }
    this.freeList[this.freeCount++] = slot;
  }

  private grow(): void {
    const cap = this.arrival.length * 2;
    const f64 = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    const u8 = (a: Uint8Array): Uint8Array => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    this.arrival = f64(this.arrival);
    this.deadline = f64(this.deadline);
    this.service = f64(this.service);
    this.timeout = f64(this.timeout);
    this.start = f64(this.start);
    this.end = f64(this.end);
    this.endpoint = i32(this.endpoint);
    this.instance = i32(this.instance);
    this.state = u8(this.state);
    this.port = u8(this.port);
  }
}

/** FIFO of request slots (a growable ring buffer). */
export class RingQueue {
  private buf: Int32Array;
  private head = 0;
  size = 0;

  constructor(capacity = 16) {
    this.buf = new Int32Array(capacity);
  }

  push(x: number): void {
    if (this.size === this.buf.length) this.grow();
    this.buf[(this.head + this.size) & (this.buf.length - 1)] = x;
    this.size++;
  }

  peek(): number {
    return this.buf[this.head] as number;
  }

  shift(): number {
    const x = this.buf[this.head] as number;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.size--;
    return x;
  }

  at(i: number): number {
    return this.buf[(this.head + i) & (this.buf.length - 1)] as number;
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }

  private grow(): void {
    const b = new Int32Array(this.buf.length * 2);
    for (let i = 0; i < this.size; i++) b[i] = this.at(i);
    this.buf = b;
    this.head = 0;
  }
}
