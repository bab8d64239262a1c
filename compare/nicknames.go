package compare

import "strings"

// nicknameGroups are given names and their short forms and variants, the
// spellings other languages and romanisations give them among them
// (Yevgeny, Jewgeni, Eugene), one group a line, and the East Asian family
// names whose spelling in one romanisation is another's for two names
// (Wong for Wang and Huang, Tsui for Xu and Cui) or a Western name too
// (Jo for Cho), which no one phonetic code can stand for (the others code
// alike: normalize's romanisations). A name may belong to several groups
// (alex, wong).
var nicknameGroups = `
alexander alex alec sandy sasha aleksandr alexandr aleksander alejandro oleksandr aliaksandr
alexandra alex sandra sasha alejandra ale
alejandro alex ale jandro
archibald archie
andrew andy drew andres andreas
anthony tony antonio anton
benjamin ben benny benjie
catherine katherine kathryn katharine cathy kathy kate katie kat cathryn kathleen
charles charlie chuck chas carlos siarl carl karl
christopher chris kit cristobal
christine christina chris tina kristina kristine
daniel dan danny
david dave davy dafydd dewi
deborah debbie deb debra
dorothy dot dottie
edward ed eddie eddy ted teddy ned eduardo lalo iorwerth
elizabeth liz lizzie beth betty bess bessie betsy lisa eliza elisabeth isabel
frances fran frannie francisca paca
francis frank fran francisco pancho paco kiko
george georgie geordie jorge georg giorgio
graham graeme
gregory greg
henry harry hank enrique quique harri
isabel isabella bella isabelle
jacob jake
james jim jimmy jamie jaime iago
jennifer jen jenny
jessica jess jessie
john jack johnny jon juan joao giovanni gianni ioan sion
jonathan jon jonny
joseph joe joey jose pepe giuseppe beppe peppe
joshua josh
kenneth ken kenny
lawrence larry laurence lorenzo
margaret maggie meg peggy marge margarita
matthew matt mateo
michael mike mick mickey miguel mikhail misha michail mykhailo
nathan nate nathaniel
nicholas nick nicky nicolas
patricia pat patty trish
patrick pat paddy
peter pete pedro pyotr petr piotr
raymond ray ramon
rebecca becky becca
richard rick dick dickie rich richie ritchie ricky ricardo rhisiart
robert bob rob bobby robbie robby roberto beto
ronald ron ronnie
samuel sam sammy
stephen steven steve esteban
susan sue susie susana
thomas tom tommy tommie tomas tomos
timothy tim timmy
victoria vicky tori
william bill will billy liam willy willie wilhelm willi guillermo memo gwilym
zachary zach zack
abigail abby
albert bert bertie al
alfred alf alfie fred
arthur art artie
barbara barb babs
bernard bernie
charlotte lottie
donald don donnie
douglas doug
edmund ed ned
eleanor ellie nell nora
emily emmy
ernest ernie
frederick fred freddie freddy fritz
gerald gerry jerry
harold harry hal
helen nell nellie ellen
herbert herb bert
hugh hughie huw
owen owain
griffith gruffydd
llewellyn llewelyn llywelyn
isaac ike
leonard len lenny leo
louis lou lewis
mary molly polly mae
oliver ollie
philip phil pip
reginald reg reggie
sarah sally sadie sara
sidney sid
stanley stan
terence terry
theodore ted teddy theo
vincent vince vinny
walter walt wally
winifred winnie
maurice mo
esther essie hester hettie hetty
cynthia cindy
jeffrey jeff geoffrey
judith judy
nicole nikki
pamela pam
valerie val
victor vic
virginia ginny
gabriel gabe
maximilian max
jacqueline jackie
josephine josie
theresa teresa terry tess tessa
eugene gene
christian chris
johannes johann hans
caroline carrie
harriet hattie henrietta
frances fanny
alberto beto al
manuel manolo manny
jesus chucho chuy
ignacio nacho
gonzalo chalo
rosario charo
dolores lola
concepcion concha conchita
mercedes meche
josefa pepa
refugio cuca
rafael rafa
guadalupe lupe lupita
alfonso poncho
luis lucho
salvador chava
fernando nando
graciela chela
consuelo chelo
beatriz bea
valentina vale
gabriela gaby gabi
daniela dani
vladimir volodya vova wladimir volodymyr
dmitry dmitri dima dmitrii dmitriy
ivan vanya
ekaterina yekaterina jekaterina katya
natalia natasha natalya nataliya natalja
nikolai nikolay kolya mykola
sergei sergey seryozha serguei serhiy
yuri yury yurii iurii iouri juri jurij
muhammad mohammed mohamed mohammad mohamad muhammed mehmet
ahmad ahmed
husayn hussein husein hossein
umar omar
uthman othman osman
yusuf yousef youssef joseph jose
ibrahim abraham ebrahim
yevgeny evgeny evgeni evgenii evgeniy yevgeni yevgeniy jewgeni jewgenij eugene zhenya
elena yelena jelena lena
aleksei alexei alexey aleksey alyosha
andrei andrey andrej andriy andrew
fyodor fedor theodore
tatiana tatyana tatjana tanya
irina iryna
anastasia nastya
maria masha
olga olya
svetlana sveta
lyudmila ludmila liudmila lyuda
galina galya
pavel pasha
konstantin kostya
viktor vitya
anna anya
yulia yuliya iuliia julia
vasily vasiliy vasili vassili
grigory grigoriy grigori
anatoly anatoliy anatoli
vyacheslav viacheslav slava
hassan hasan
mustafa mostafa moustafa
tariq tarek tareq
yasser yasir
osama usama oussama
jamal djamel gamal
ismail ismael
khalid khaled
mahmoud mahmud
abdullah abdallah abdulla
faisal faysal feisal
walid waleed
hamid hamed
majid majed
fatima fatimah fatma
aisha aysha ayesha aicha
zainab zaynab zeinab
maryam mariam
layla leila laila leyla
khadija khadijah khadidja
hamza hamzah
huang wong hwang
wang wong
cui tsui choi choe
xu hsu tsui
cho jo
hu woo
`

var nicknames = func() map[string][]int32 {
	m := map[string][]int32{}
	for i, line := range strings.Split(strings.TrimSpace(nicknameGroups), "\n") {
		for _, name := range strings.Fields(line) {
			m[name] = append(m[name], int32(i))
		}
	}
	return m
}()

// NicknameOf reports whether a and b are the same given name in different
// forms (William, Bill; Francisco, Pancho; Mohammed, Muhammad).
func NicknameOf(a, b string) bool {
	if a == b {
		return false
	}
	for _, g := range nicknames[a] {
		for _, h := range nicknames[b] {
			if g == h {
				return true
			}
		}
	}
	return false
}

// Nicknames reports whether two token lists are the same name but for at
// least one nickname substitution: same length, each token equal or a
// nickname of the token at the same position, or of any token when the
// order differs.
func Nicknames(a, b []string) bool {
	return len(a) == len(b) && len(a) > 0 && nicknamesWithin(a, b)
}

// NicknameSubset reports whether the name with fewer tokens is, but for at
// least one nickname, a part of the other: each of its tokens (two or more)
// equal to or a nickname of a distinct token of the longer name. A payment
// message writes "SANTOS/PANCHO" for Francisco Diego Santos Gutiérrez: the
// nickname and the dropped maternal surname and middle name together.
func NicknameSubset(a, b []string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return len(a) >= 2 && len(a) < len(b) && nicknamesWithin(a, b)
}

// NicknameTypo reports whether two names are one but for a nickname and a
// typo in another word (Typo, of minNameTypoLetters letters or more), the
// shorter perhaps a part of the longer as NicknameSubset's: a payment's
// PEPE RAYUEZA for José Rauyeza, Bob Davis for Robert Davies. Two errors
// in one name: weaker evidence than either alone.
func NicknameTypo(a, b []string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) < 2 {
		return false
	}
	if nick, typo := nicknamesIn(a, b, true); nick && typo {
		return true
	}
	if len(a) == len(b) { // either may be matched word for word
		nick, typo := nicknamesIn(b, a, true)
		return nick && typo
	}
	return false
}

// nicknamesWithin reports whether each token of a is equal to, or else a
// nickname of, a distinct token of b, at least one a nickname.
func nicknamesWithin(a, b []string) bool {
	nick, _ := nicknamesIn(a, b, false)
	return nick
}

// nicknamesIn matches each token of a to a distinct token of b: an equal
// one, else a nickname of it, else (when typos, once) one it is a typo of
// (NicknameTypo). It reports whether every token matched with a nickname
// among them, and whether a typo did; false when one did not match.
func nicknamesIn(a, b []string, typos bool) (nick, typo bool) {
	var buf [16]bool
	used := buf[:0]
	if len(b) <= len(buf) {
		used = buf[:len(b)]
	} else {
		used = make([]bool, len(b))
	}
	for _, x := range a {
		found := -1
		for k, y := range b {
			if !used[k] && x == y {
				found = k
				break
			}
		}
		if found < 0 {
			for k, y := range b {
				if !used[k] && NicknameOf(x, y) {
					found, nick = k, true
					break
				}
			}
		}
		if found < 0 && typos && !typo && len(x) >= minNameTypoLetters {
			for k, y := range b {
				if !used[k] && len(y) >= minNameTypoLetters && Typo(x, y) {
					found, typo = k, true
					break
				}
			}
		}
		if found < 0 {
			return false, false
		}
		used[found] = true
	}
	return nick, typo
}
