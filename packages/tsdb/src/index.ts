export { BitReader, BitWriter } from './bit-stream';
export { decodeXorChunk, XorChunkEncoder } from './xor-chunk';
