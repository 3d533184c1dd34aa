import { describe, expect, it } from 'vitest';
import { hubFileUrl, parseHubName } from '../src/index';

describe('hubFileUrl: the one place hub URLs are made', () => {
  it("follows the hub's resolve layout, encoding each segment", () => {
    expect(hubFileUrl('https://huggingface.co/', 'karpathy/tinyllamas', 'stories260K/tok512.bin')).toBe('https://huggingface.co/karpathy/tinyllamas/resolve/main/stories260K/tok512.bin');
    expect(hubFileUrl('http://127.0.0.1:8080/hub', 'a/b', 'x y/model-00001-of-00002.safetensors', 'v1.0')).toBe('http://127.0.0.1:8080/hub/a/b/resolve/v1.0/x%20y/model-00001-of-00002.safetensors');
  });

  it('refuses a path that leaves the repository (a shard name from an index, say) and a bad repository id', () => {
    for (const path of ['../other/model.safetensors', 'a/../../b', '/etc/passwd', 'a//b', './model.bin', 'a\\..\\b', '']) {
      expect(() => hubFileUrl('https://huggingface.co', 'a/b', path), path).toThrow(`'${path}' is not a file path inside a/b`);
    }
    expect(() => hubFileUrl('https://huggingface.co', '../b', 'x')).toThrow("'../b' is not a Hugging Face repository id (owner/name)");
  });

  it('splits a hub name into the repository and the path inside it', () => {
    expect(parseHubName('karpathy/tinyllamas/stories260K')).toEqual({ repo: 'karpathy/tinyllamas', inner: 'stories260K' });
    expect(parseHubName('gpt2/gpt2')).toEqual({ repo: 'gpt2/gpt2', inner: '' });
    expect(() => parseHubName('stories260K')).toThrow('stories260K is not a Hugging Face repository id (owner/name[/path])');
  });
});
