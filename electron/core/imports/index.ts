export * from './import-files';
export { serveChannelParse, useChannelParseWorker, type ChannelParseRequest, type ChannelParseWorkerFactory } from './parsed-file';
