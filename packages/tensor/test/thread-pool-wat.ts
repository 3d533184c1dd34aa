import { createRequire } from 'node:module';

/**
 * A tiny kernel module for the thread pool's tests, written here in WAT and compiled with wabt. Like the
 * engine's modules it imports the shared heap and ends each splittable export with (scratch, begin, end).
 *   fill(out, counts, who, mul, work, scratch, begin, end): for i in [begin, end)
 *     out[i]    = f32(sqrt(i)) · mul, then `work` rounds of v·0.999 + 0.001 (to make a chunk take time)
 *     counts[i] += 1 atomically (so a test sees every element written exactly once)
 *     who[i]    = scratch (the per-thread scratch pointer: which thread wrote i)
 *   trapAt(at, scratch, begin, end): `unreachable` when at ∈ [begin, end)
 *   trapOnThread(which, work, scratch, begin, end): `work` idle loop turns, then `unreachable` if scratch = which
 *   nothing(scratch, begin, end): returns (the empty run of the latency measurement)
 */
export const THREAD_POOL_TEST_WAT = `(module
  (import "env" "memory" (memory 1 65536 shared))
  (func (export "fill") (param $out i32) (param $counts i32) (param $who i32) (param $mul f32) (param $work i32)
        (param $scratch i32) (param $begin i32) (param $end i32)
    (local $i i32) (local $k i32) (local $v f32) (local $at i32)
    (local.set $i (local.get $begin))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $v (f32.mul (f32.sqrt (f32.convert_i32_u (local.get $i))) (local.get $mul)))
      (local.set $k (i32.const 0))
      (block $worked (loop $work
        (br_if $worked (i32.ge_u (local.get $k) (local.get $work)))
        (local.set $v (f32.add (f32.mul (local.get $v) (f32.const 0.999)) (f32.const 0.001)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $work)))
      (local.set $at (i32.shl (local.get $i) (i32.const 2)))
      (f32.store (i32.add (local.get $out) (local.get $at)) (local.get $v))
      (drop (i32.atomic.rmw.add (i32.add (local.get $counts) (local.get $at)) (i32.const 1)))
      (i32.store (i32.add (local.get $who) (local.get $at)) (local.get $scratch))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next))))
  (func (export "trapAt") (param $at i32) (param $scratch i32) (param $begin i32) (param $end i32)
    (if (i32.and (i32.ge_u (local.get $at) (local.get $begin)) (i32.lt_u (local.get $at) (local.get $end)))
      (then unreachable)))
  (func (export "trapOnThread") (param $which i32) (param $work i32) (param $scratch i32) (param $begin i32) (param $end i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $work)))
      (local.set $work (i32.sub (local.get $work) (i32.const 1)))
      (br $l)))
    (if (i32.eq (local.get $scratch) (local.get $which)) (then unreachable)))
  (func (export "nothing") (param $scratch i32) (param $begin i32) (param $end i32)))`;

/** The test module's bytes (wabt with the threads feature, for the shared memory import and atomics). */
export async function threadPoolTestWasm(): Promise<Uint8Array<ArrayBuffer>> {
  const wabt = await (createRequire(import.meta.url)('wabt') as () => Promise<WabtModule>)();
  const parsed = wabt.parseWat('thread-pool-test.wat', THREAD_POOL_TEST_WAT, { threads: true });
  try {
    parsed.resolveNames();
    parsed.validate({ threads: true });
    return new Uint8Array(parsed.toBinary({ log: false }).buffer);
  } finally {
    parsed.destroy();
  }
}

interface WabtModule {
  parseWat(
    name: string,
    source: string,
    features: Record<string, boolean>,
  ): { resolveNames(): void; validate(features: Record<string, boolean>): void; toBinary(o: { log: boolean }): { buffer: Uint8Array }; destroy(): void };
}
