package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// word is a name as written and as it goes into an email address.
type word struct{ Text, Latin string }

func w(text string) word { return word{text, fold(text)} }

// namePool holds the names of one language. Russian surnames agree with
// gender, so the female form is built from the male one.
type namePool struct {
	female, male, last []word
	gendered           bool
}

var (
	englishNames = namePool{
		female: []word{w("Emma"), w("Olivia"), w("Sophia"), w("Emily"), w("Grace"), w("Chloe"), w("Mia"), w("Lucy"), w("Hannah"), w("Sarah"), w("Jessica"), w("Amelia")},
		male:   []word{w("James"), w("Oliver"), w("Jack"), w("Harry"), w("Michael"), w("David"), w("Daniel"), w("Thomas"), w("Ethan"), w("Noah"), w("William"), w("Ryan")},
		last:   []word{w("Smith"), w("Johnson"), w("Williams"), w("Brown"), w("Jones"), w("Taylor"), w("Wilson"), w("Evans"), w("Walker"), w("Clark"), w("Wright"), w("Hughes"), w("Miller"), w("Davis")},
	}
	russianNames = namePool{
		female:   []word{{"Анна", "anna"}, {"Мария", "maria"}, {"Елена", "elena"}, {"Ольга", "olga"}, {"Наталья", "natalia"}, {"Екатерина", "ekaterina"}, {"Татьяна", "tatiana"}, {"Ирина", "irina"}, {"Дарья", "daria"}, {"Светлана", "svetlana"}},
		male:     []word{{"Алексей", "alexey"}, {"Дмитрий", "dmitry"}, {"Сергей", "sergey"}, {"Иван", "ivan"}, {"Андрей", "andrey"}, {"Михаил", "mikhail"}, {"Николай", "nikolay"}, {"Павел", "pavel"}, {"Артём", "artem"}, {"Максим", "maxim"}},
		last:     []word{{"Иванов", "ivanov"}, {"Петров", "petrov"}, {"Смирнов", "smirnov"}, {"Кузнецов", "kuznetsov"}, {"Попов", "popov"}, {"Соколов", "sokolov"}, {"Лебедев", "lebedev"}, {"Козлов", "kozlov"}, {"Новиков", "novikov"}, {"Морозов", "morozov"}, {"Волков", "volkov"}, {"Фёдоров", "fedorov"}},
		gendered: true,
	}
	germanNames = namePool{
		female: []word{w("Anna"), w("Lena"), w("Marie"), w("Sophie"), w("Laura"), w("Hannah"), w("Jana")},
		male:   []word{w("Lukas"), w("Leon"), w("Jonas"), w("Felix"), w("Paul"), w("Maximilian"), w("Jürgen")},
		last:   []word{w("Müller"), w("Schmidt"), w("Schneider"), w("Fischer"), w("Weber"), w("Meyer"), w("Wagner"), w("Becker"), w("Hoffmann"), w("Schäfer")},
	}
	frenchNames = namePool{
		female: []word{w("Emma"), w("Chloé"), w("Léa"), w("Manon"), w("Camille"), w("Inès"), w("Juliette")},
		male:   []word{w("Louis"), w("Gabriel"), w("Jules"), w("Hugo"), w("Lucas"), w("Arthur"), w("Théo")},
		last:   []word{w("Martin"), w("Bernard"), w("Dubois"), w("Thomas"), w("Robert"), w("Petit"), w("Durand"), w("Leroy"), w("Moreau"), w("Lefèvre")},
	}
)

// country is where a customer lives: the language of their name and the
// shape of their phone number.
type country struct {
	Code     string
	Weight   float64
	Names    *namePool
	Prefixes []string // E.164 prefixes of mobile numbers, before Digits more
	Digits   int
}

var countries = []country{
	{"US", 34, &englishNames, []string{"+1212", "+1415", "+1312", "+1617", "+1206", "+1512", "+1305", "+1404"}, 7},
	{"GB", 14, &englishNames, []string{"+447700", "+447911", "+447400", "+447825"}, 6},
	{"RU", 20, &russianNames, []string{"+7916", "+7903", "+7925", "+7985", "+7921"}, 7},
	{"DE", 12, &germanNames, []string{"+49151", "+49160", "+49170", "+49176"}, 8},
	{"FR", 11, &frenchNames, []string{"+336", "+337"}, 8},
	{"CA", 9, &englishNames, []string{"+1416", "+1604", "+1514", "+1403"}, 7},
}

var emailDomains = []string{"example.com", "example.net", "example.org", "mail.example.com", "inbox.example.net"}

// person is the contact part of a customer.
type person struct {
	Name, Email, Phone, Country string
}

// newPerson makes up a contact; seq keeps the email address unique.
func newPerson(r *rand.Rand, cum []float64, seq int) person {
	c := countries[pick(r, cum)]
	first := choose(r, c.Names.male)
	last := choose(r, c.Names.last)
	if r.IntN(2) == 0 {
		first = choose(r, c.Names.female)
		if c.Names.gendered {
			last = word{last.Text + "а", last.Latin + "a"}
		}
	}
	var local string
	switch r.IntN(4) {
	case 0:
		local = first.Latin + "." + last.Latin
	case 1:
		local = first.Latin + last.Latin
	case 2:
		local = first.Latin + "_" + last.Latin[:1]
	default:
		local = first.Latin[:1] + "." + last.Latin
	}
	phone := choose(r, c.Prefixes)
	if strings.HasPrefix(phone, "+1") {
		// North American exchanges cannot start with 0 or 1.
		phone += fmt.Sprint(2 + r.IntN(8))
	} else {
		phone += fmt.Sprint(r.IntN(10))
	}
	for range c.Digits - 1 {
		phone += fmt.Sprint(r.IntN(10))
	}
	return person{
		Name:    first.Text + " " + last.Text,
		Email:   fmt.Sprintf("%s%d@%s", local, seq, choose(r, emailDomains)),
		Phone:   phone,
		Country: c.Code,
	}
}

func countryWeights() []float64 {
	ws := make([]float64, len(countries))
	for i, c := range countries {
		ws[i] = c.Weight
	}
	return cumulative(ws)
}

// fold spells a Latin-script name in plain lower-case ASCII for an email.
func fold(s string) string {
	r := strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "é", "e", "è", "e", "ê", "e", "ë", "e", "ç", "c", "ï", "i", "ô", "o")
	return r.Replace(strings.ToLower(s))
}
