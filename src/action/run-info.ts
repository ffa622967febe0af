/** The workflow run, as the runner describes it in the environment. */
export interface RunInfo {
  /** The run's page, whose summary holds the whole report. */
  url?: string;
  /** "workflow name, run #12 (attempt 2)". */
  label?: string;
}

export function runInfo(env: NodeJS.ProcessEnv): RunInfo {
  const server = env.GITHUB_SERVER_URL || 'https://github.com';
  const { GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id, GITHUB_RUN_ATTEMPT: attempt } = env;
  const url =
    repo && id
      ? `${server}/${repo}/actions/runs/${id}${attempt && attempt !== '1' ? `/attempts/${attempt}` : ''}`
      : undefined;
  const parts = [env.GITHUB_WORKFLOW, env.GITHUB_RUN_NUMBER ? `run #${env.GITHUB_RUN_NUMBER}` : undefined];
  const label = parts.filter(Boolean).join(', ');
  return {
    url,
    label: label ? `${label}${attempt && attempt !== '1' ? ` (attempt ${attempt})` : ''}` : undefined,
  };
}
