package dev.workerclass.slices;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.web.context.reactive.ReactiveWebApplicationContext;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** An app configured for a servlet class keeps its WebFlux slices. */
@WebFluxTest(properties = "server.worker-class=virtual")
class WebFluxSliceUnderServletClassTests {

	@Autowired
	private WebTestClient client;

	@Autowired
	private ApplicationContext context;

	@Test
	void theSliceRunsWebFluxWithWebTestClient() {
		assertThat(this.context).isInstanceOf(ReactiveWebApplicationContext.class);
		this.client.get().uri("/hello").exchange().expectStatus().isOk().expectBody(String.class).isEqualTo("hello");
	}

}
