/** The error a policy that cannot be loaded raises: every problem with its file and line. */
import { BadInputError } from '../domain/errors.js';

export interface PolicyProblem {
  readonly file: string;
  /** 1-based; 0 when the problem concerns the file as a whole. */
  readonly line: number;
  readonly message: string;
}

export function formatProblem(problem: PolicyProblem): string {
  return problem.line > 0 ? `${problem.file}:${problem.line}: ${problem.message}` : `${problem.file}: ${problem.message}`;
}

export class PolicyLoadError extends BadInputError {
  readonly problems: readonly PolicyProblem[];

  constructor(problems: readonly PolicyProblem[]) {
    const first = problems[0];
    const head = first ? formatProblem(first) : 'policy could not be loaded';
    super(problems.length > 1 ? `${head} (and ${problems.length - 1} more problem(s); run "bulkhead policy lint")` : head);
    this.problems = problems;
  }
}
