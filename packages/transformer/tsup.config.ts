import { packageConfig } from '../../tsup.shared';

export default packageConfig({ index: 'src/index.ts', 'node/index': 'src/node/index.ts', 'browser/index': 'src/browser/index.ts' });
