package dev.workerclass.slices;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.context.WebApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** An app configured for reactive keeps its Spring MVC slices: the class shapes a real server only. */
@WebMvcTest(properties = "server.worker-class=reactive")
class WebMvcSliceUnderReactiveClassTests {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private ApplicationContext context;

	@Test
	void theSliceRunsSpringMvcWithMockMvc() throws Exception {
		assertThat(this.context).isInstanceOf(WebApplicationContext.class);
		this.mvc.perform(get("/hello")).andExpect(status().isOk()).andExpect(content().string("hello"));
	}

}
