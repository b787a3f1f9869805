package dev.workerclass.realapp;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

@Controller
class WelcomeController {

	private final OwnerRepository owners;

	WelcomeController(OwnerRepository owners) {
		this.owners = owners;
	}

	@GetMapping("/")
	String welcome(Model model) {
		model.addAttribute("ownerCount", this.owners.count());
		return "home";
	}

}
