export { BitReader, BitWriter } from './bit-stream';
export { type ChunkFormat, chunkCount, chunkFormat, chunkMinTime, decodeChunk, decodeChunkInto, encoderOf, sealChunk } from './chunk';
export { DECIMAL_CHUNK_MARKER, decimalScale, encodeDecimalChunk } from './decimal-chunk';
export {
  type Exposition,
  ExpositionError,
  type ExpositionFamily,
  type ExpositionFormat,
  type ExpositionSample,
  expositionFormatOf,
  type FamilyType,
  parseExposition,
} from './exposition';
export { ProtobufError } from './protobuf';
export {
  decodeWriteRequestV1,
  decodeWriteRequestV2,
  encodeWriteRequestV1,
  encodeWriteRequestV2,
  type MetricType,
  type WriteRequest,
  type WriteSeries,
} from './remote-write';
export { decodeWriteColumnsV1, decodeWriteColumnsV2, type SeriesMetadata, WriteColumns, writeRequestOf } from './remote-write-columns';
export { SnappyError, snappyDecode, snappyDecodedLength, snappyEncode } from './snappy';
export {
  decodeXorChunk,
  decodeXorChunkInto,
  FLOAT_HIGH_WORD,
  FLOAT_LOW_WORD,
  isStaleWords,
  STALE_BITS,
  XorChunkEncoder,
  xorChunkCount,
  xorChunkMinTime,
} from './xor-chunk';
