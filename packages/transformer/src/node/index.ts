/**
 * @packageDocumentation
 * Node helpers of `@transformer-kit/transformer`: load a model from a path, or download one from the Hugging
 * Face hub into a cache folder. The main entry stays free of `node:` imports (it runs in browsers).
 */
export { loadModelFromPath } from './load-model-from-path';
export { fromPretrained } from './from-pretrained';
export { hubFile, hubEndpoint } from './hub-download';
export { readRegularFile, DEFAULT_MAX_FILE_BYTES } from './read-regular-file';

export type { LoadFromPathOptions } from './load-model-from-path';
export type { FromPretrainedOptions } from './from-pretrained';
export type { HubOptions } from './hub-download';
