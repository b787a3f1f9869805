package dev.workerclass.limit.autoconfigure;

import dev.workerclass.limit.LimitAlgorithm;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code server.concurrency-limit.algorithm} names an adaptive algorithm. A value
 * that does not bind matches, so that binding the properties fails and says why.
 */
class OnAdaptiveLimitCondition extends SpringBootCondition {

	private static final String PROPERTY = "server.concurrency-limit.algorithm";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		LimitAlgorithm algorithm;
		try {
			algorithm = Binder.get(context.getEnvironment()).bind(PROPERTY, LimitAlgorithm.class).orElse(LimitAlgorithm.FIXED);
		}
		catch (BindException ex) {
			return ConditionOutcome.match(PROPERTY + " does not bind; its binding will report why");
		}
		return (algorithm != LimitAlgorithm.FIXED) ? ConditionOutcome.match(PROPERTY + "=" + algorithm.value())
				: ConditionOutcome.noMatch(PROPERTY + "=fixed");
	}

}
