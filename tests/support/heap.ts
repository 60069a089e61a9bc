// The heap in use after a full collection: what is still referenced, without the garbage a
// busy test leaves behind (heapUsed alone varies with when the collector last ran).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

export function liveHeapBytes(): number {
  collect();
  return process.memoryUsage().heapUsed;
}

/** The highest heapUsed seen every 10 ms until stop(), which returns it. */
export function heapPeak(): { stop(): number } {
  let peak = process.memoryUsage().heapUsed;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 10);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().heapUsed);
    },
  };
}
