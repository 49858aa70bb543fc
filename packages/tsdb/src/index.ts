export { BitReader, BitWriter } from './bit-stream';
export { SnappyError, snappyDecode, snappyDecodedLength, snappyEncode } from './snappy';
export { decodeXorChunk, XorChunkEncoder } from './xor-chunk';
