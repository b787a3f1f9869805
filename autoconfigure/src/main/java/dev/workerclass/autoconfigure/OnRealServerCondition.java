package dev.workerclass.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless this is a test without a real server whose web type the environment
 * post-processor left to the test ({@link WorkerClassAutoConfiguration#isMockWebTest}): what acts
 * on the workers a server runs (an autoscaler, a concurrency limit) has nothing to act on there.
 */
public final class OnRealServerCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		if (WorkerClassAutoConfiguration.isMockWebTest(context.getEnvironment())) {
			return ConditionOutcome.noMatch("a mock web test: no real server");
		}
		return ConditionOutcome.match("not a mock web test");
	}

}
