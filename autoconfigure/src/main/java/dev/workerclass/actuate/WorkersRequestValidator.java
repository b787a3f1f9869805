package dev.workerclass.actuate;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvoker;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameter;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameters;

/**
 * Checks a request to the {@code workers} endpoint before actuator binds it: actuator ignores
 * fields it does not know and reports a value it cannot convert without saying why, but a resize
 * request with a typo ({@code {"wrokers": 8}}) or a non-number must get 400 with a problem detail
 * that says why, and change nothing.
 */
public class WorkersRequestValidator implements OperationInvokerAdvisor {

	private static final EndpointId WORKERS = EndpointId.of("workers");

	@Override
	public OperationInvoker apply(EndpointId endpointId, OperationType operationType, OperationParameters parameters,
			OperationInvoker invoker) {
		if (!WORKERS.equals(endpointId) || operationType != OperationType.WRITE) {
			return invoker;
		}
		Set<String> known = StreamSupport.stream(parameters.spliterator(), false)
			.map(OperationParameter::getName)
			.collect(Collectors.toCollection(TreeSet::new));
		Set<String> numbers = new TreeSet<>(known);
		numbers.remove("signal");
		return (context) -> {
			for (Map.Entry<String, Object> argument : context.getArguments().entrySet()) {
				String name = argument.getKey();
				if (!known.contains(name)) {
					return WorkersEndpoint.badRequest("unknown field '" + name + "': expected "
							+ String.join(", ", numbers.isEmpty() ? known : numbers));
				}
				if (numbers.contains(name) && argument.getValue() != null && !isWholeNumber(argument.getValue())) {
					return WorkersEndpoint.badRequest(name + "=" + argument.getValue()
							+ " is not valid: expected a whole number");
				}
			}
			return invoker.invoke(context);
		};
	}

	private static boolean isWholeNumber(Object value) {
		if (value instanceof Integer || value instanceof Long || value instanceof Short) {
			return ((Number) value).longValue() >= Integer.MIN_VALUE && ((Number) value).longValue() <= Integer.MAX_VALUE;
		}
		// Query parameters arrive as text.
		return value instanceof String text && text.matches("[+-]?\\d{1,9}");
	}

}
