import { continueCommand } from '../../src/cli/run-summary.js';

describe('the command that continues a halted run', () => {
  it('is the same invocation as rollout --resume, without the selection', () => {
    expect(continueCommand(['-C', 'repo', 'rollout', '-l', 'site=bruehl', '--yes', '--waves', '1,10%,100%', '--max-failures', '5%']))
      .toBe('homeshift -C repo rollout --resume --yes --waves 1,10%,100% --max-failures 5%');
    expect(continueCommand(['rerun', '--failed', '--cause=step-failed:mailbox:3f', '--class', 'auth', '--max-unreachable', '20%', '--yes']))
      .toBe('homeshift rollout --resume --max-unreachable 20% --yes');
    expect(continueCommand(['-C', 'my repo', 'rollout', '--limit=@batch.txt'])).toBe("homeshift -C 'my repo' rollout --resume");
  });
});
