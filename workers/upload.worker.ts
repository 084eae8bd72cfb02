// Copies souvenirs kept on local disk to S3; the attempt itself is the upload service's.
import { uploadJob } from '../src/jobs/registry.js';
import { attemptUpload } from '../src/services/upload.service.js';
import { defineWorker, RetryLater } from './define-worker.js';

export const uploadWorker = defineWorker(
  uploadJob,
  async (call, { uploadId }) => {
    const result = await attemptUpload(call, uploadId);
    if (result.outcome === 'deferred') throw new RetryLater(result.reason);
    return result.outcome === 'uploaded' ? 'completed' : result.outcome;
  },
  { batchSize: 5, localConcurrency: 1, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1 },
);
