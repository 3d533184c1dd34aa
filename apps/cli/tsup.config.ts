import { packageConfig } from '../../tsup.shared';

// bin.ts starts with a shebang; tsup keeps it and marks dist/bin.js executable.
export default packageConfig({ index: 'src/index.ts', bin: 'src/bin.ts' });
