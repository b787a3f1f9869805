package dev.workerclass.actuate;

import java.lang.annotation.Annotation;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.InvocationContext;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvoker;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameter;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameters;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkersRequestValidator} with a fake invoker: a request with an unknown field
 * or a value that is not a whole number gets 400 before actuator binds it; a valid one reaches the
 * operation.
 */
class WorkersRequestValidatorTests {

	private static final EndpointId WORKERS = EndpointId.of("workers");

	private static final Object DELEGATED = new Object();

	private final WorkersRequestValidator validator = new WorkersRequestValidator();

	private final CountingInvoker invoker = new CountingInvoker();

	private final OperationParameters resizeParameters = parameters("workers", "threads", "workerConnections");

	private final OperationParameters signalParameters = parameters("signal", "by");

	@Test
	void otherEndpointsAreLeftAlone() {
		assertThat(this.validator.apply(EndpointId.of("health"), OperationType.WRITE, this.resizeParameters,
				this.invoker))
			.isSameAs(this.invoker);
	}

	@Test
	void readingTheWorkersIsLeftAlone() {
		assertThat(this.validator.apply(WORKERS, OperationType.READ, parameters(), this.invoker)).isSameAs(this.invoker);
	}

	@Test
	void anUnknownFieldIsABadRequestNamingTheKnownOnes() {
		Object result = invokeResize(Map.of("wrokers", 8));
		assertBadRequest(result, "unknown field 'wrokers'");
		assertThat(reason(result)).contains("threads").contains("workerConnections").contains("workers");
		assertThat(this.invoker.calls).hasValue(0);
	}

	@Test
	void anUnknownFieldNextToAKnownOneIsStillABadRequest() {
		Map<String, Object> arguments = new LinkedHashMap<>();
		arguments.put("workers", 4);
		arguments.put("treads", 2);
		assertBadRequest(invokeResize(arguments), "unknown field 'treads'");
		assertThat(this.invoker.calls).hasValue(0);
	}

	@ParameterizedTest
	@ValueSource(strings = { "abc", "1.5", "", " 4", "4x", "0x10", "99999999999" })
	void aValueThatIsNotAWholeNumberIsABadRequest(String value) {
		Object result = invokeResize(Map.of("workers", value));
		assertBadRequest(result, "workers=" + value + " is not valid: expected a whole number");
		assertThat(this.invoker.calls).hasValue(0);
	}

	@Test
	void numbersOfOtherTypesThanWholeIntsAreBadRequests() {
		assertBadRequest(invokeResize(Map.of("workers", 2.5)), "workers=2.5 is not valid");
		assertBadRequest(invokeResize(Map.of("threads", true)), "threads=true is not valid");
		assertBadRequest(invokeResize(Map.of("workers", (long) Integer.MAX_VALUE + 1)), "is not valid");
		assertBadRequest(invokeResize(Map.of("workerConnections", List.of(1))), "is not valid");
		assertThat(this.invoker.calls).hasValue(0);
	}

	@Test
	void validArgumentsReachTheOperation() {
		assertThat(invokeResize(Map.of("workers", 4))).isSameAs(DELEGATED);
		assertThat(invokeResize(Map.of("workers", "4", "threads", "-2"))).isSameAs(DELEGATED);
		assertThat(invokeResize(Map.of("workerConnections", 7L))).isSameAs(DELEGATED);
		assertThat(invokeResize(Map.of("threads", (short) 3))).isSameAs(DELEGATED);
		assertThat(this.invoker.calls).hasValue(4);
		assertThat(this.invoker.lastArguments).containsEntry("threads", (short) 3);
	}

	@Test
	void missingAndNullValuesAreLeftToTheOperation() {
		assertThat(invokeResize(Map.of())).isSameAs(DELEGATED);
		Map<String, Object> withNull = new LinkedHashMap<>();
		withNull.put("workers", null);
		assertThat(invokeResize(withNull)).isSameAs(DELEGATED);
		assertThat(this.invoker.calls).hasValue(2);
	}

	@Test
	void theSignalIsTextAndItsStepIsANumber() {
		OperationInvoker advised = this.validator.apply(WORKERS, OperationType.WRITE, this.signalParameters,
				this.invoker);
		assertThat(advised.invoke(context(Map.of("signal", "ttin")))).isSameAs(DELEGATED);
		assertThat(advised.invoke(context(Map.of("signal", "ttou", "by", "2")))).isSameAs(DELEGATED);
		assertBadRequest(advised.invoke(context(Map.of("signal", "ttin", "by", "two"))), "by=two is not valid");
		Object unknown = advised.invoke(context(Map.of("signal", "ttin", "step", 2)));
		assertBadRequest(unknown, "unknown field 'step'");
		assertThat(reason(unknown)).contains("by").doesNotContain("signal");
		assertThat(this.invoker.calls).hasValue(2);
	}

	private Object invokeResize(Map<String, Object> arguments) {
		OperationInvoker advised = this.validator.apply(WORKERS, OperationType.WRITE, this.resizeParameters,
				this.invoker);
		return advised.invoke(context(arguments));
	}

	private static InvocationContext context(Map<String, Object> arguments) {
		return new InvocationContext(SecurityContext.NONE, arguments);
	}

	private static void assertBadRequest(Object result, String reason) {
		assertThat(result).isInstanceOf(WebEndpointResponse.class);
		WebEndpointResponse<?> response = (WebEndpointResponse<?>) result;
		assertThat(response.getStatus()).isEqualTo(WebEndpointResponse.STATUS_BAD_REQUEST);
		assertThat(response.getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(response.getBody()).asInstanceOf(InstanceOfAssertFactories.type(ProblemDetail.class))
			.satisfies((problem) -> {
				assertThat(problem.getStatus()).isEqualTo(400);
				assertThat(problem.getTitle()).isEqualTo("Bad Request");
			});
		assertThat(reason(result)).contains(reason);
	}

	private static String reason(Object result) {
		return ((ProblemDetail) ((WebEndpointResponse<?>) result).getBody()).getDetail();
	}

	private static OperationParameters parameters(String... names) {
		List<OperationParameter> parameters = Arrays.stream(names).map(FakeParameter::new)
			.map(OperationParameter.class::cast)
			.toList();
		return new OperationParameters() {

			@Override
			public int getParameterCount() {
				return parameters.size();
			}

			@Override
			public OperationParameter get(int index) {
				return parameters.get(index);
			}

			@Override
			public Stream<OperationParameter> stream() {
				return parameters.stream();
			}

			@Override
			public Iterator<OperationParameter> iterator() {
				return parameters.iterator();
			}

		};
	}

	private record FakeParameter(String name) implements OperationParameter {

		@Override
		public String getName() {
			return this.name;
		}

		@Override
		public Class<?> getType() {
			return this.name.equals("signal") ? String.class : Integer.class;
		}

		@Override
		public boolean isMandatory() {
			return this.name.equals("signal");
		}

		@Override
		public <T extends Annotation> T getAnnotation(Class<T> annotation) {
			return null;
		}

	}

	private static final class CountingInvoker implements OperationInvoker {

		private final AtomicInteger calls = new AtomicInteger();

		private volatile Map<String, Object> lastArguments;

		@Override
		public Object invoke(InvocationContext context) {
			this.calls.incrementAndGet();
			this.lastArguments = context.getArguments();
			return DELEGATED;
		}

	}

}
