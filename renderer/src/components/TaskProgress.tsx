import { Progress, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { ProgressEvent } from '../../../electron/api';
import { formatPoints } from '../format';

/** The latest progress event of a long operation (worker thread), or null when none runs. */
export function useTaskProgress(): ProgressEvent | null {
  const [progress, setProgress] = useState<ProgressEvent | null>(null);
  useEffect(() => window.ledgerdesk.onProgress((event) => setProgress(event.finished ? null : event)), []);
  return progress;
}

/** A bar when the total is known, otherwise the label and the count so far. */
export function TaskProgress({ progress, running }: { progress: ProgressEvent | null; running: boolean }) {
  if (!running) return null;
  if (progress && progress.total) {
    const percent = Math.min(100, Math.floor((progress.done * 100) / progress.total));
    return (
      <div data-testid="task-progress">
        <Progress percent={percent} status="active" />
        <Typography.Text type="secondary">{progress.label}</Typography.Text>
      </div>
    );
  }
  return (
    <div data-testid="task-progress">
      <Progress percent={100} status="active" showInfo={false} />
      <Typography.Text type="secondary">{progress ? `${progress.label} · ${formatPoints(progress.done)}` : '…'}</Typography.Text>
    </div>
  );
}
