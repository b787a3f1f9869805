package dev.workerclass.bench.plain;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.context.annotation.Bean;

/**
 * The demo's routes on plain Spring Boot, without the workerclass starter. Tomcat and Reactor
 * Netty are both on the class path (the starters for web and webflux); in reactive mode Boot would
 * pick Tomcat's reactive server first, so WebFlux gets Netty explicitly here, as a WebFlux-only
 * app would have it.
 */
@SpringBootApplication
public class PlainApplication {

	public static void main(String[] args) {
		SpringApplication.run(PlainApplication.class, args);
	}

	@Bean
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	NettyReactiveWebServerFactory nettyReactiveWebServerFactory() {
		return new NettyReactiveWebServerFactory();
	}

}
