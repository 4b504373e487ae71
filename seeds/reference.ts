// Reference data every installation needs (not demo data).

// GB/T 2260 codes of 重庆市 and its 区县 (26 区 + 12 县). The three functional areas have no
// GB/T 2260 code; they carry our own F-codes and sit directly under the city.
export const CITY = { code: '500000', name: '重庆市' };

export const DISTRICTS: [string, string][] = [
	['500101', '万州区'], ['500102', '涪陵区'], ['500103', '渝中区'], ['500104', '大渡口区'],
	['500105', '江北区'], ['500106', '沙坪坝区'], ['500107', '九龙坡区'], ['500108', '南岸区'],
	['500109', '北碚区'], ['500110', '綦江区'], ['500111', '大足区'], ['500112', '渝北区'],
	['500113', '巴南区'], ['500114', '黔江区'], ['500115', '长寿区'], ['500116', '江津区'],
	['500117', '合川区'], ['500118', '永川区'], ['500119', '南川区'], ['500120', '璧山区'],
	['500151', '铜梁区'], ['500152', '潼南区'], ['500153', '荣昌区'], ['500154', '开州区'],
	['500155', '梁平区'], ['500156', '武隆区'],
	['500229', '城口县'], ['500230', '丰都县'], ['500231', '垫江县'], ['500233', '忠县'],
	['500235', '云阳县'], ['500236', '奉节县'], ['500237', '巫山县'], ['500238', '巫溪县'],
	['500240', '石柱土家族自治县'], ['500241', '秀山土家族苗族自治县'],
	['500242', '酉阳土家族苗族自治县'], ['500243', '彭水苗族土家族自治县']
];

export const FUNCTIONAL_AREAS: [string, string][] = [
	['F50001', '两江新区'],
	['F50002', '重庆高新区'],
	['F50003', '万盛经开区']
];

// A few 乡镇/街道 of the demo districts (9-digit township codes in the 统计用区划代码 pattern).
export const TOWNS: [string, string, string][] = [
	['500112001', '500112', '双龙湖街道'],
	['500112004', '500112', '龙溪街道'],
	['500112007', '500112', '回兴街道'],
	['500112105', '500112', '洛碛镇'],
	['500115001', '500115', '凤城街道'],
	['500115003', '500115', '晏家街道'],
	['500115004', '500115', '江南街道'],
	['500102001', '500102', '敦仁街道'],
	['500102002', '500102', '崇义街道'],
	['500102008', '500102', '李渡街道']
];

const HIGH_RISK_BASIS = '《生产经营单位安全培训规定》第九条第二款（煤矿、非煤矿山、危险化学品、烟花爆竹、金属冶炼）';

// [code, name, parent, high risk]
export const INDUSTRIES: [string, string, string | null, boolean][] = [
	['non_coal_mine', '非煤矿山', null, true],
	['hazchem', '危险化学品', null, true],
	['fireworks', '烟花爆竹', null, true],
	['metal_smelting', '金属冶炼', null, true],
	['industry_trade', '工贸', null, false],
	['it_metallurgy', '冶金', 'industry_trade', false],
	['it_nonferrous', '有色', 'industry_trade', false],
	['it_building_materials', '建材', 'industry_trade', false],
	['it_machinery', '机械', 'industry_trade', false],
	['it_light', '轻工', 'industry_trade', false],
	['it_textile', '纺织', 'industry_trade', false],
	['it_tobacco', '烟草', 'industry_trade', false],
	['it_commerce', '商贸', 'industry_trade', false],
	['construction', '建设施工', null, false],
	['road_transport', '道路交通', null, false],
	['fire', '消防', null, false],
	['gas', '燃气', null, false],
	['other', '其他', null, false]
];
export { HIGH_RISK_BASIS };

// 特种作业目录 (30号令附件): categories and the operation items the consulted text lists.
export const SPECIAL_OPERATIONS: [string, string, string][] = [
	['1.1', '电工作业', '高压电工作业'],
	['1.2', '电工作业', '低压电工作业'],
	['1.3', '电工作业', '防爆电气作业'],
	['2.1', '焊接与热切割作业', '熔化焊接与热切割作业'],
	['2.2', '焊接与热切割作业', '压力焊作业'],
	['2.3', '焊接与热切割作业', '钎焊作业'],
	['3.1', '高处作业', '登高架设作业'],
	['3.2', '高处作业', '高处安装、维护、拆除作业'],
	['4', '制冷与空调作业', '制冷与空调设备运行操作作业'],
	['6.1', '金属非金属矿山安全作业', '金属非金属矿井通风作业'],
	['6.2', '金属非金属矿山安全作业', '尾矿作业'],
	['6.3', '金属非金属矿山安全作业', '金属非金属矿山安全检查作业'],
	['6.4', '金属非金属矿山安全作业', '金属非金属矿山提升机操作作业'],
	['6.8', '金属非金属矿山安全作业', '金属非金属矿山爆破作业'],
	['8', '冶金（有色）生产安全作业', '煤气作业'],
	['9.1', '危险化学品安全作业', '光气及光气化工艺作业'],
	['9.2', '危险化学品安全作业', '氯碱电解工艺作业'],
	['9.3', '危险化学品安全作业', '氯化工艺作业'],
	['9.4', '危险化学品安全作业', '硝化工艺作业'],
	['10', '烟花爆竹安全作业', '烟花爆竹危险工序作业']
];
