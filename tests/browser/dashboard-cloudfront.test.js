// The whole dashboard suite again, with the step lists behind the local CloudFront edge
// (`npm start -- --cloudfront`): the API signs CloudFront URLs, the edge checks them and forwards to
// the S3 proxy, so every page, fault and recovery case must read the same through it.
process.env.JOBDASH_TEST_STACK_ARGS = '--cloudfront';
await import('./dashboard.test.js');
