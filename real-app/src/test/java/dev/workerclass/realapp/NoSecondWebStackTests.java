package dev.workerclass.realapp;

import org.junit.jupiter.api.Test;

import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/** The starter brings the auto-configuration and actuator, not WebFlux or Netty next to the app's Tomcat. */
class NoSecondWebStackTests {

	private final ClassLoader classLoader = getClass().getClassLoader();

	@Test
	void servletStackIsTheAppsOwn() {
		assertThat(ClassUtils.isPresent("org.springframework.web.servlet.DispatcherServlet", this.classLoader))
			.isTrue();
		assertThat(ClassUtils.isPresent("org.apache.catalina.startup.Tomcat", this.classLoader)).isTrue();
	}

	@Test
	void noReactiveStackOnTheClassPath() {
		assertThat(ClassUtils.isPresent("reactor.netty.http.server.HttpServer", this.classLoader)).isFalse();
		assertThat(ClassUtils.isPresent("org.springframework.web.reactive.DispatcherHandler", this.classLoader))
			.isFalse();
		assertThat(ClassUtils.isPresent("io.netty.channel.Channel", this.classLoader)).isFalse();
	}

}
