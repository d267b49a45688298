import { readApiUrl } from '../../../lib/api-config';
import { JobList } from './job-list';

// The API's address is read when the page is served, not baked in at build time, so one build
// runs against the local backend or a deployed API.
export const dynamic = 'force-dynamic';

export default function JobsPage() {
  const apiBaseUrl = readApiUrl();
  return (
    <main style={{ maxWidth: 960, margin: '0 auto', padding: '1.5rem 1rem' }}>
      <h1 style={{ fontSize: '1.5rem', margin: '0 0 1rem' }}>Jobs</h1>
      <JobList apiBaseUrl={apiBaseUrl} />
    </main>
  );
}
