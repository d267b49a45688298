import { redirect } from 'next/navigation';

// The dashboard's only section is the job list.
export default function Home() {
  redirect('/dashboard/jobs');
}
