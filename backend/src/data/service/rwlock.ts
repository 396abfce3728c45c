/**
 * One writer or many readers, in arrival order. Adds hold it shared while their objects are not yet
 * recorded; deleting a version's objects and gc hold it alone, so they never remove an object an
 * add is about to reference.
 */
export class RwLock {
  private readers = 0;
  private writer = false;
  private readonly queue: { exclusive: boolean; wake: () => void }[] = [];

  async shared<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire(false);
    try {
      return await work();
    } finally {
      this.readers -= 1;
      this.next();
    }
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire(true);
    try {
      return await work();
    } finally {
      this.writer = false;
      this.next();
    }
  }

  private free(exclusive: boolean): boolean {
    return exclusive ? !this.writer && this.readers === 0 : !this.writer;
  }

  private acquire(exclusive: boolean): Promise<void> {
    if (this.queue.length === 0 && this.free(exclusive)) {
      this.take(exclusive);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push({ exclusive, wake: resolve }));
  }

  private take(exclusive: boolean): void {
    if (exclusive) this.writer = true;
    else this.readers += 1;
  }

  private next(): void {
    while (this.queue.length > 0 && this.free(this.queue[0]!.exclusive)) {
      const waiter = this.queue.shift()!;
      this.take(waiter.exclusive);
      waiter.wake();
      if (waiter.exclusive) return;
    }
  }
}
