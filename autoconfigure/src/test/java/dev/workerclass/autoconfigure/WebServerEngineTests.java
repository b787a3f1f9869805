package dev.workerclass.autoconfigure;

import java.util.stream.Stream;

import dev.workerclass.undertow.UndertowWebServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.reactor.netty.NettyWebServer;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;

import static org.assertj.core.api.Assertions.assertThat;

/** How the engine behind a web server is named: by the engine that registered its type. */
class WebServerEngineTests {

	@Test
	void aServerIsNamedByTheEngineThatRegisteredItsType() {
		Stream<WebServerEngine> engines = Stream.of(new WebServerEngine("Netty", OtherServer.class),
				new WebServerEngine("Tomcat", SomeServer.class));
		assertThat(WebServerEngine.nameOf(new SomeServer(), engines)).isEqualTo("Tomcat");
	}

	@Test
	void aSubclassOfARegisteredServerIsThatEngines() {
		Stream<WebServerEngine> engines = Stream.of(new WebServerEngine("Jetty", SomeServer.class));
		assertThat(WebServerEngine.nameOf(new SomeServerSubclass(), engines)).isEqualTo("Jetty");
	}

	@Test
	void aServerNoEngineClaimsIsNamedByItsClassWhateverItsNameSays() {
		assertThat(WebServerEngine.nameOf(new TomcatLookalikeServer(), Stream.empty()))
			.isEqualTo("TomcatLookalikeServer");
	}

	@Test
	void theServletContainersRegisterTheirWebServers() {
		new WebApplicationContextRunner().withConfiguration(WorkerClassAutoConfigurations.with())
			.run((context) -> assertThat(context.getBeansOfType(WebServerEngine.class).values())
				.contains(new WebServerEngine("Tomcat", TomcatWebServer.class),
						new WebServerEngine("Jetty", JettyWebServer.class)));
	}

	@Test
	void theReactiveEnginesRegisterTheirWebServers() {
		new ReactiveWebApplicationContextRunner().withConfiguration(WorkerClassAutoConfigurations.with())
			.run((context) -> assertThat(context.getBeansOfType(WebServerEngine.class).values())
				.contains(new WebServerEngine("Netty", NettyWebServer.class),
						new WebServerEngine("Undertow", UndertowWebServer.class)));
	}

	static class SomeServer implements WebServer {

		@Override
		public void start() {
		}

		@Override
		public void stop() {
		}

		@Override
		public int getPort() {
			return 0;
		}

	}

	static class SomeServerSubclass extends SomeServer {

	}

	static class OtherServer extends SomeServer {

	}

	static class TomcatLookalikeServer extends SomeServer {

	}

}
