import type { Metadata } from 'next';
import { readApiUrl } from '../../../../lib/api-config';
import { LiveJobDetail } from './live-job-detail';

// The API's address (and the poll interval) are read when the page is served, not at build time.
export const dynamic = 'force-dynamic';

type Params = Promise<{ id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { id } = await params;
  return { title: `${id} · Jobs · jobdash` };
}

function readPollIntervalMs(): number | undefined {
  const value = Number.parseInt(process.env.JOBDASH_POLL_INTERVAL_MS ?? '', 10);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

export default async function JobDetailPage({ params }: { params: Params }) {
  const { id } = await params;
  return <LiveJobDetail jobId={id} apiUrl={readApiUrl()} pollIntervalMs={readPollIntervalMs()} />;
}
