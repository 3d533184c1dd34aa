// @transformer-kit/tokenizer — step 1 of the transformer: text → token ids and back.
export { PipelineTokenizer } from './pipeline-tokenizer';
export { SpecialTokenSplitter } from './special-token-splitter';
export { ByteLevelBpe } from './byte-level-bpe';
export { SentencePieceBpe } from './sentencepiece-bpe';
export { WordPiece } from './wordpiece';
export { StreamingDecoder } from './streaming-decoder';
export { TokenizerFormatError } from './tokenizer-error';
export { PRETOKENIZER_PATTERNS, pretokenizerRegExp, presetForPattern } from './pretokenizer-patterns';
export { bertNormalize, isChineseChar } from './bert-normalizer';
export { bertPretokenize } from './bert-pretokenize';
export { byteLevelAlphabet, byteLevelToBytes, bytesToByteLevel } from './byte-level-alphabet';
export { TOKEN_TYPE } from './token-type';
export { loadGpt2Files } from './loaders/load-gpt2-files';
export { loadTiktokenRanks } from './loaders/load-tiktoken-ranks';
export { loadLlama2cTokenizer } from './loaders/load-llama2c-tokenizer';
export { loadGgufTokenizer } from './loaders/load-gguf-tokenizer';
export { loadBertVocab } from './loaders/load-bert-vocab';
export { loadTokenizerJson } from './loaders/load-tokenizer-json';
export { applyChatTemplate, PLAIN_CHAT_TEMPLATE } from './chat/apply-chat-template';
export { chatTemplateFromTokenizerConfig, chatTemplateFromGguf } from './chat/chat-template-source';

export type {
  Tokenizer,
  TokenizerKind,
  EncodeOptions,
  DecodeOptions,
  EncodingWithOffsets,
  SpecialTokenIds,
} from './tokenizer';
export type { RunContext } from './pipeline-tokenizer';
export type { ByteLevelBpeOptions } from './byte-level-bpe';
export type { SentencePieceBpeOptions } from './sentencepiece-bpe';
export type { TokenList } from './token-list';
export type { WordPieceOptions, PairEncoding } from './wordpiece';
export type { PretokenizerPattern } from './pretokenizer-patterns';
export type { SplitBehavior, SplitRule } from './split-pretokenizer';
export type { UnicodeNormalization } from './normalize-with-offsets';
export type { BertNormalizerOptions, NormalizedText } from './bert-normalizer';
export type { TiktokenOptions } from './loaders/load-tiktoken-ranks';
export type { ChatMessage, ChatTemplateOptions } from './chat/apply-chat-template';
export type { ChatTemplateSource } from './chat/chat-template-source';
