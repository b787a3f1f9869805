package dev.workerclass.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReactiveManagementContextImportFilter}.
 */
class ReactiveManagementContextImportFilterTests {

	private static final String TOMCAT = "org.springframework.boot.tomcat.autoconfigure.actuate.web.server"
			+ ".TomcatReactiveManagementContextAutoConfiguration";

	private static final String JETTY = "org.springframework.boot.jetty.autoconfigure.actuate.web.server"
			+ ".JettyReactiveManagementContextAutoConfiguration";

	private static final String OTHER = "org.springframework.boot.some.OtherAutoConfiguration";

	// An earlier filter leaves null where it dropped a candidate.
	private static final String[] CANDIDATES = { TOMCAT, OTHER, null, ReactiveManagementContextImportFilter.NETTY, JETTY };

	@Test
	void aReactiveAppKeepsOnlyNettysManagementContext() {
		assertThat(filter("reactive").match(CANDIDATES, null)).containsExactly(false, true, true, true, false);
	}

	@Test
	void aServletAppKeepsThemAll() {
		assertThat(filter("servlet").match(CANDIDATES, null)).containsExactly(true, true, true, true, true);
		assertThat(filter(null).match(CANDIDATES, null)).containsExactly(true, true, true, true, true);
	}

	@Test
	void withoutNettysContextAmongTheCandidatesNothingIsDropped() {
		assertThat(filter("reactive").match(new String[] { TOMCAT, OTHER }, null)).containsExactly(true, true);
	}

	private static ReactiveManagementContextImportFilter filter(String webApplicationType) {
		MockEnvironment environment = new MockEnvironment();
		if (webApplicationType != null) {
			environment.setProperty("spring.main.web-application-type", webApplicationType);
		}
		ReactiveManagementContextImportFilter filter = new ReactiveManagementContextImportFilter();
		filter.setEnvironment(environment);
		filter.setBeanClassLoader(ReactiveManagementContextImportFilterTests.class.getClassLoader());
		return filter;
	}

}
