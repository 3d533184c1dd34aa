import { describe, expect, it } from 'vitest';
import { broadcastStrides } from '@transformer-kit/tensor';

describe('broadcastStrides (the strides every backend walks)', () => {
  it("equals NumPy's strides of np.broadcast_to, in elements", () => {
    // np.broadcast_to(np.empty((3, 1), np.float32), (2, 3, 4)).strides == (0, 4, 0) bytes
    expect(broadcastStrides([3, 1], [2, 3, 4])).toEqual([0, 1, 0]);
    // np.broadcast_to(np.empty((2, 1, 4), np.float32), (2, 3, 4)).strides == (16, 0, 4) bytes
    expect(broadcastStrides([2, 1, 4], [2, 3, 4])).toEqual([4, 0, 1]);
    expect(broadcastStrides([], [2, 2])).toEqual([0, 0]);
    expect(broadcastStrides([2, 3], [2, 3])).toEqual([3, 1]);
  });
});
