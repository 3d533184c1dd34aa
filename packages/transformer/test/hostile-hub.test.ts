// Issue #12, finding 1 and "Also": a hostile hub repository (or a hostile folder on disk) cannot make a load
// write or read outside its folder, cannot hang a download, and cannot send more bytes than it announced.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, renameSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPretrained, hubFile, loadModelFromPath, readRegularFile } from '../src/node/index';
import { startLocalHub, type LocalHub } from '../../../test-support/local-hub';

const CONFIG = { model_type: 'llama', vocab_size: 8, hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, max_position_embeddings: 16, rms_norm_eps: 1e-5 };
const HOSTILE_SHARDS: [string, RegExp][] = [
  ['../../../escaped.safetensors', /'\.\.' segment/],
  ['/etc/passwd', /absolute path/],
  ['C:/Windows/escaped.safetensors', /drive letter/],
  ['shards\\..\\..\\escaped.safetensors', /backslash/],
  ['shards//escaped.safetensors', /empty segment/],
  ['./escaped.safetensors', /'\.' segment/],
];

/** Every file name below `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' });
}

describe('a hostile hub repository (HF_ENDPOINT pointing at a local server)', () => {
  let hub: LocalHub;
  const base = mkdtempSync(join(tmpdir(), 'tk-hostile-'));
  // The cache sits three folders down, so '../../../escaped.safetensors' from a repository folder would land in `base`.
  const cacheDir = join(base, 'a', 'b', 'cache');
  const saved = process.env.HF_ENDPOINT;
  let shard = '';

  beforeAll(async () => {
    hub = await startLocalHub((path, _req, res) => {
      if (path.startsWith('/evil/repo/resolve/main/')) {
        const file = path.slice('/evil/repo/resolve/main/'.length);
        if (file === 'config.json') return void res.writeHead(200).end(JSON.stringify(CONFIG));
        if (file === 'model.safetensors.index.json') return void res.writeHead(200).end(JSON.stringify({ metadata: { total_size: 64 }, weight_map: { 'model.embed_tokens.weight': shard } }));
        if (file.endsWith('escaped.safetensors') || file.endsWith('passwd')) return void res.writeHead(200).end('pwned');
        return void res.writeHead(404).end();
      }
      if (path.startsWith('/silent/')) return; // accepts the connection, never answers
      if (path.startsWith('/stall/')) {
        res.writeHead(200, { 'content-length': '1000' });
        res.write(new Uint8Array(10)); // ten bytes, then nothing
        return;
      }
      if (path.startsWith('/chatty/')) {
        res.writeHead(200); // chunked: no length announced
        for (let i = 0; i < 10; i++) res.write(new Uint8Array(100));
        return void res.end();
      }
      if (path.startsWith('/liar/')) return void res.writeHead(200, { 'content-length': '5000' }).end(new Uint8Array(5000));
      res.writeHead(404).end();
    });
    process.env.HF_ENDPOINT = hub.endpoint;
  });

  afterAll(async () => {
    if (saved === undefined) delete process.env.HF_ENDPOINT;
    else process.env.HF_ENDPOINT = saved;
    await hub.close();
    rmSync(base, { recursive: true, force: true });
  });

  it.each(HOSTILE_SHARDS)('refuses the shard name %j before any download, naming the index, the shard and the rule', async (name, rule) => {
    shard = name;
    rmSync(cacheDir, { recursive: true, force: true }); // the index is cached: serve this case's afresh
    const before = hub.requests.length;
    const error = await fromPretrained('evil/repo', { cacheDir }).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/^model\.safetensors\.index\.json: weight_map\['model\.embed_tokens\.weight'\] names /);
    expect(error?.message).toContain(JSON.stringify(name));
    expect(error?.message).toMatch(rule);
    // Nothing was asked for the shard, and nothing exists outside the cache.
    expect(hub.requests.slice(before).some((r) => r.includes('escaped') || r.includes('passwd'))).toBe(false);
    expect(filesUnder(base).filter((f) => !f.startsWith(join('a', 'b', 'cache')) && f !== 'a' && f !== join('a', 'b'))).toEqual([]);
    expect(filesUnder(cacheDir).some((f) => f.includes('escaped'))).toBe(false);
  });

  it('refuses a path with .. segments in the model id itself', async () => {
    await expect(fromPretrained('evil/repo/../../../escaped.bin', { cacheDir })).rejects.toThrow(/^evil\/repo: refusing the file name "\.\.\/\.\.\/\.\.\/escaped\.bin": it has a '\.\.' segment/);
    await expect(hubFile('evil/repo', 'a/../../x', { cacheDir })).rejects.toThrow(/refusing the file name "a\/\.\.\/\.\.\/x"/);
    await expect(hubFile('evil/repo', 'x', { cacheDir, revision: '../../..' })).rejects.toThrow(/refusing the revision name/);
    expect(existsSync(join(base, 'escaped.bin'))).toBe(false);
  });

  it('times out on a server that accepts and never answers, with a named error', async () => {
    const start = Date.now();
    await expect(hubFile('silent/repo', 'model.bin', { cacheDir, connectTimeoutMs: 300 })).rejects.toThrow(/^cannot download http:\/\/127\.0\.0\.1:\d+\/silent\/repo\/resolve\/main\/model\.bin: timed out: no response within 300 ms/);
    expect(Date.now() - start).toBeLessThan(10_000);
  });

  it('times out on a body that stops arriving, and leaves no partial file in the cache', async () => {
    await expect(hubFile('stall/repo', 'model.bin', { cacheDir, idleTimeoutMs: 300 })).rejects.toThrow(/stall\/repo\/resolve\/main\/model\.bin: timed out: no data within 300 ms/);
    expect(filesUnder(join(cacheDir, 'stall--repo'))).not.toContainEqual(expect.stringMatching(/model\.bin/));
  });

  it('refuses more bytes than allowed, and a Content-Length over the limit, before writing the file', async () => {
    await expect(hubFile('chatty/repo', 'model.bin', { cacheDir, maxBytes: 500 })).rejects.toThrow(/chatty\/repo\/resolve\/main\/model\.bin: the server sent more than the 500 bytes allowed/);
    await expect(hubFile('liar/repo', 'model.bin', { cacheDir, maxBytes: 4096 })).rejects.toThrow(/liar\/repo\/resolve\/main\/model\.bin: Content-Length 5000 is over the limit of 4096 bytes/);
    expect(filesUnder(join(cacheDir, 'chatty--repo'))).not.toContainEqual(expect.stringMatching(/model\.bin/));
    expect(filesUnder(join(cacheDir, 'liar--repo'))).not.toContainEqual(expect.stringMatching(/model\.bin/));
    // Within the limit it downloads, under its own name only once complete.
    expect((await hubFile('chatty/repo', 'model.bin', { cacheDir, maxBytes: 1000 }))?.byteLength).toBe(1000);
    expect(filesUnder(join(cacheDir, 'chatty--repo'))).toEqual(['main', join('main', 'model.bin')]);
  });
});

describe('a hostile folder on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tk-hostile-local-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(HOSTILE_SHARDS)('loadModelFromPath refuses the shard %j before reading it', async (name, rule) => {
    const folder = join(dir, 'model');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'config.json'), JSON.stringify(CONFIG));
    writeFileSync(join(folder, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { 'lm_head.weight': name } }));
    const error = await loadModelFromPath(folder).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/^model\.safetensors\.index\.json: weight_map\['lm_head\.weight'\] names /);
    expect(error?.message).toMatch(rule);
  });

  it('reads regular files only: /dev/zero, a directory and a FIFO are refused at once', async () => {
    await expect(loadModelFromPath('/dev/zero')).rejects.toThrow(/^cannot read \/dev\/zero: it is a character device, not a regular file$/);
    await expect(readRegularFile(dir)).rejects.toThrow(/: it is a directory, not a regular file$/);
    const fifo = join(dir, 'model.bin');
    execFileSync('mkfifo', [fifo]);
    await expect(loadModelFromPath(fifo)).rejects.toThrow(/model\.bin: it is a FIFO, not a regular file$/);
    rmSync(fifo);
  });

  it('refuses a file over the size limit without reading it', async () => {
    writeFileSync(join(dir, 'big.bin'), new Uint8Array(100));
    await expect(readRegularFile(join(dir, 'big.bin'), 99)).rejects.toThrow(/big\.bin: it has 100 bytes, over the limit of 99$/);
  });

  it('reads a file past 2 GiB whole (a Q4_K_M Phi-3-mini is 2.39 GB), from a path or the hub cache, and refuses one past 4 GiB by default', async () => {
    // sparse files: a few marker bytes written far out, the rest holes that read as zeros
    const past2GiB = join(dir, 'past-2gib.bin');
    const size = 2 ** 31 + 3 * 2 ** 20; // 2 GiB + 3 MiB
    const handle = openSync(past2GiB, 'w');
    writeSync(handle, Uint8Array.of(7, 8, 9), 0, 3, 2 ** 31 + 5); // just past 2 GiB
    writeSync(handle, Uint8Array.of(42), 0, 1, size - 1); // the last byte
    closeSync(handle);
    const bytes = await readRegularFile(past2GiB);
    expect(bytes.byteLength).toBe(size);
    expect(Array.from(bytes.subarray(2 ** 31 + 4, 2 ** 31 + 9))).toEqual([0, 7, 8, 9, 0]);
    expect(bytes[size - 1]).toBe(42);
    // the same file as a hub download already in the cache: read the same way
    const cached = join(dir, 'cache', 'big--repo', 'main', 'model.gguf');
    mkdirSync(join(dir, 'cache', 'big--repo', 'main'), { recursive: true });
    renameSync(past2GiB, cached);
    const fromCache = await hubFile('big/repo', 'model.gguf', { cacheDir: join(dir, 'cache') });
    expect(fromCache?.byteLength).toBe(size);
    expect(fromCache?.[size - 1]).toBe(42);
    rmSync(cached);
    const past4GiB = join(dir, 'past-4gib.bin');
    writeFileSync(past4GiB, '');
    truncateSync(past4GiB, 2 ** 32 + 1);
    await expect(readRegularFile(past4GiB)).rejects.toThrow(/past-4gib\.bin: it has 4294967297 bytes, over the limit of 4294967296$/);
    await expect(readRegularFile(past4GiB, 2 ** 40)).rejects.toThrow(/over the limit of 4294967296$/);
    rmSync(past4GiB);
  }, 60_000);
});
