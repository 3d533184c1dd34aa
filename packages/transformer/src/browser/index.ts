/**
 * @packageDocumentation
 * Browser helpers of `@transformer-kit/transformer`: `fromPretrained` over fetch, cached in Cache Storage.
 */
export { fromPretrained } from './from-pretrained';

export type { BrowserPretrainedOptions } from './from-pretrained';
