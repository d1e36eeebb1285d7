// Each test file runs in its own process (pool: forks): keep the SDK's logs to warnings and errors.
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN') });
