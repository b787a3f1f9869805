package dev.workerclass.slices;

import dev.workerclass.workers.ObservedWorkers;
import dev.workerclass.workers.Workers;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.web.context.reactive.ReactiveWebApplicationContext;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A full-context test with a mock servlet environment keeps it under reactive, with every
 * auto-configuration (the starter's included) applied: there is no server for the class to shape.
 */
@SpringBootTest(webEnvironment = WebEnvironment.MOCK, properties = "server.worker-class=reactive")
@AutoConfigureMockMvc
class MockEnvironmentUnderReactiveClassTests {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private ApplicationContext context;

	@Autowired
	private Workers workers;

	@Test
	void theTestRunsSpringMvcAndTheStarterOnlyObserves() throws Exception {
		assertThat(this.context).isNotInstanceOf(ReactiveWebApplicationContext.class);
		assertThat(this.workers).isInstanceOf(ObservedWorkers.class);
		this.mvc.perform(get("/hello")).andExpect(status().isOk()).andExpect(content().string("hello"));
		assertThat(this.workers.snapshot().completed()).isEqualTo(1);
	}

}
